"""The reports app owns the figures; their rollup table arrives with the figures issue."""
