"""The screens a key opens over the lanes: dialogs, help, and the sweep view."""
