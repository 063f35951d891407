"""The refresh pipeline: exports in, a published warehouse out.

readers (one table per file, every value as text, with its line), importers (vendor formats
to the contract's columns), parsing and jalali (dates, digits, numbers as the exports write
them), personal (e-mails hashed on import), the row checks and the Great Expectations
suites (checks/), build (the declared build list: staging, then marts) and refresh (the
stages in order, and the publish). mapping_proposal reads a file the way a refresh would,
for the Data page's column mapping.
"""
