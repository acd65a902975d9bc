"""The media library: ffmpeg wrapper, probing, preparation, the library's rows and its jobs.

ffmpeg, probe, loudness, plan, prepare and demo touch neither Flask nor the database;
library keeps the rows, uploads receives files, worker runs the preparation jobs.
"""
