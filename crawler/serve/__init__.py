"""`jcrawl serve`: the archive in Datasette, read-only, for researchers.

Modules, by job: `views` (the researcher-facing SQL: the catalogue view and the canned queries),
`metadata` (what Datasette is told about the archive), `plugin` (our Datasette hooks: the search
function, cells, the article page and WARC records), `article` (the article page's content and
diffs), `sanitise` (article HTML made safe), `app` (the Datasette instance and the server).
"""
