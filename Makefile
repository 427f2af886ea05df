# SafeStats for QGIS — release tasks. The plugin zip is built by scripts/package.py (stdlib only;
# why not qgis-plugin-ci: docs/admin.md). Deploy it with: safestats-store plugin-repo add dist/safestats-<version>.zip
PYTHON ?= /usr/bin/python3

.PHONY: package validate i18n test-package clean

package: ## dist/safestats-<version>.zip, validated against the plugins.qgis.org rules
	$(PYTHON) scripts/package.py --out dist

validate: package ## also check that tracker/repository/homepage answer (needs network)
	$(PYTHON) scripts/package.py --validate dist/safestats-$$(sed -n 's/^version=//p' metadata.txt).zip --check-urls

i18n: ## refresh i18n/safestats_en.ts from the sources and compile every .ts to .qm
	bash scripts/i18n.sh

test-package: ## build the zip, install it in a clean profile and start real QGIS under Xvfb
	bash scripts/test-plugin.sh tests/test_package.py

clean:
	rm -rf dist
