"""chatguard's default rule pack, shipped as package data (the YAML files beside this one)."""
