"""Tools for trying the project without a server: the sample generator, a local
Aptabase-compatible server and the demo that runs the whole job on them."""
