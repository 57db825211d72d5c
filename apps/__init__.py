"""Django apps, one domain noun each."""
