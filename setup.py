"""Packages of the wheel; everything else is in pyproject.toml.

Only this file can add the sample: the checkout keeps it in sample_data/tianhe (where its generator writes),
and the wheel installs it as lamplight/sample_data, found by ``lamplight.samples.sample_folder``. Namespace
discovery also lists the data folders (icons, web assets), whose files pyproject.toml's package-data selects.
"""

from setuptools import find_namespace_packages, setup

PACKAGES = find_namespace_packages(include=["layers*", "plugins*", "workbench*", "lamplight*"])
setup(packages=[*PACKAGES, "lamplight.sample_data"], package_dir={"lamplight.sample_data": "sample_data/tianhe"})
