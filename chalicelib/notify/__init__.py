"""Notifications to authors and leaders (SES email, in-app). Built with the
stream consumers; nothing sends mail yet."""
