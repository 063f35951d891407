-- Rejected rows per input file, for the refresh log.
select source, file, count(*) as rejected
from rejected_rows
group by source, file
