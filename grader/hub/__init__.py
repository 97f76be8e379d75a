"""Deployment of the course on JupyterHub (install.sh, the configs it installs)."""
