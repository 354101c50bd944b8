"""`jcrawl report`: one self-contained HTML file with pictures of what an archive holds and how its
crawls went. Modules, by job: `data` (the numbers, from the store and the researcher views),
`charts` (matplotlib figures as inline SVG), `page` (the HTML file)."""
