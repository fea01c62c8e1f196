"""Small linear-algebra tools (numpy only): Householder maps and Nyström approximations."""

__all__: list = []
