"""The staff console's sign-in: mini-program code tickets, the cookie session with its CSRF token, the dev picker."""
