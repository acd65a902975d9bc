"""The media library: ffmpeg wrapper, probing, preparation, the library's rows and files.

ffmpeg, probe, loudness, plan, prepare and demo touch neither Flask nor the database;
library keeps the rows, uploads receives files, files names and hashes them on disk. The
preparation jobs that claim rows and prepare them run in `signage.jobs.preparation`.
"""
