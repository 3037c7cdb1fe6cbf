class MediaNotCommittedError(Exception):
    """The processing task ran before the upload's row was visible (the caller's transaction
    had not committed yet, or the upload was deleted); the task retries a few times."""
