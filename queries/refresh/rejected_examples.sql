-- The first rejected rows of a source, quoted in the message of a blocked refresh.
select file, line, "column", reason
from rejected_rows
where source = $source
order by file, line
limit 3
