"""Training loads kept current when sync announces changed activities."""
