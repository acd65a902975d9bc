"""The media library's pure layer: ffmpeg wrapper, probing, preparation plans, demo media.

Nothing here touches Flask or the database; jobs and the API call into it.
"""
