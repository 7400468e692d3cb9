"""Landing export files into the warehouse's `raw` schema, every copy traceable."""
