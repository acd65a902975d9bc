"""Work that runs beside the web: the scheduler and its jobs, the housekeeping lease, and the
preparation of media in a pool of threads."""
