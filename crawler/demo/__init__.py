"""The bundled demo journal for `jcrawl demo`: a static site generator and a loopback HTTP server.

Standard library only, so users need nothing beyond the package itself.
"""
