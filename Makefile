# Laurel: build, install and uninstall. See docs/SYSTEMD.md.
#
#   make                      swift build -c release (warnings are errors)
#   make install              install binaries, systemd units, sysusers/tmpfiles, default config
#   make install SKIP_BUILD=1 install binaries already built in .build/release (CI)
#   make uninstall            remove what install put in place (not state, spool or an edited config)
#   make verify-units         systemd-analyze verify + security of the units
#   make deps                 install the Debian packages the build needs (apt-get; root or sudo)
#   make demo                 build and run laureld on its embedded demo (the seed's ten teams)
#   make test                 the whole test suite (what CI runs)
#
# Honours DESTDIR and PREFIX (default /usr/local). Units go to $(PREFIX)/lib/systemd/system, which
# systemd searches for PREFIX=/usr/local and /usr; for another PREFIX set UNITDIR=/etc/systemd/system
# (and SYSUSERSDIR=/etc/sysusers.d TMPFILESDIR=/etc/tmpfiles.d).

PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
UNITDIR     ?= $(LIBDIR)/systemd/system
SYSUSERSDIR ?= $(LIBDIR)/sysusers.d
TMPFILESDIR ?= $(LIBDIR)/tmpfiles.d
DOCDIR      ?= $(PREFIX)/share/doc/laurel
SYSCONFDIR  ?= /etc

SWIFT       ?= swift
# --static-swift-stdlib: installed binaries must not depend on the toolchain path (/opt/swift here).
SWIFT_FLAGS ?= -c release --static-swift-stdlib -Xswiftc -warnings-as-errors
BUILD_BIN   ?= .build/release
BINARIES    := laureld laurelctl laurel-bench
UNITS       := laureld.socket laureld.service

INSTALL     ?= install
SED_UNIT     = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@DOCDIR@|$(DOCDIR)|g'

.PHONY: all build install uninstall verify-units clean deps demo test

# Debian packages the build and the tests need; installed only when missing.
DEB_PACKAGES := libsystemd-dev libsqlite3-dev pkg-config systemd
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The embedded demo: per-user state, socket and spool; the seed bulletin's ten teams loaded.
demo: deps
	$(SWIFT) build --product laurelctl
	$(SWIFT) build --product laureld
	.build/debug/laureld --demo

# The whole suite: pure, channel-level, in-process daemon and binary tiers (swift test), the
# systemd system test (root only: it boots systemd in a private namespace), a short fuzz run and
# swift test again under ThreadSanitizer (.build-tsan).
test: deps
	bash .ci/test-suite.sh

all: build

build:
	$(SWIFT) build $(SWIFT_FLAGS)

# SKIP_BUILD=1: CI builds once and installs the result (also inside the systemd test namespace).
install: $(if $(SKIP_BUILD),,build)
	@for b in $(BINARIES); do \
	    test -x $(BUILD_BIN)/$$b || { echo "make install: $(BUILD_BIN)/$$b is missing; run 'make' first" >&2; exit 1; }; \
	done
	$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/laurel
	for b in $(BINARIES); do $(INSTALL) -m 0755 $(BUILD_BIN)/$$b $(DESTDIR)$(BINDIR)/$$b; done
	for u in $(UNITS); do \
	    $(SED_UNIT) systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u.tmp && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
	    mv -f $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u; \
	done
	$(INSTALL) -m 0644 systemd/laurel.sysusers $(DESTDIR)$(SYSUSERSDIR)/laurel.conf
	$(INSTALL) -m 0644 systemd/laurel.tmpfiles $(DESTDIR)$(TMPFILESDIR)/laurel.conf
	$(INSTALL) -m 0644 docs/SYSTEMD.md $(DESTDIR)$(DOCDIR)/SYSTEMD.md
	@# An existing configuration is the administrator's: never overwrite it.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml ]; then \
	    echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml"; \
	else \
	    echo "$(INSTALL) -m 0644 Config/laureld.toml $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml"; \
	    $(INSTALL) -m 0644 Config/laureld.toml $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml; \
	fi
	@test -n "$(DESTDIR)" || echo "next: systemd-sysusers; systemd-tmpfiles --create; systemctl daemon-reload; systemctl enable --now laureld.service"

uninstall:
	for b in $(BINARIES); do rm -f $(DESTDIR)$(BINDIR)/$$b; done
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(SYSUSERSDIR)/laurel.conf $(DESTDIR)$(TMPFILESDIR)/laurel.conf
	rm -f $(DESTDIR)$(DOCDIR)/SYSTEMD.md
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	@# The configuration goes only if it is still the default; state and spool are data and stay.
	@if cmp -s Config/laureld.toml $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml; then \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml; rmdir $(DESTDIR)$(SYSCONFDIR)/laurel 2>/dev/null || true; \
	else \
	    test ! -e $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml || echo "keeping edited $(DESTDIR)$(SYSCONFDIR)/laurel/laureld.toml"; \
	fi
	@test -n "$(DESTDIR)" || echo "left in place: /var/lib/laurel, /var/spool/laurel, user and groups laurel*"

# Any output from verify is a failure (unknown keys only warn). Uses a stand-in binary path.
verify-units:
	@d=$$(mktemp -d /tmp/lrl-XXXXXX) && trap 'rm -rf "$$d"' EXIT && mkdir -p $$d/bin && \
	for b in laureld laurelctl; do printf '#!/bin/sh\n' > $$d/bin/$$b; chmod 0755 $$d/bin/$$b; done && \
	for u in $(UNITS); do sed -e "s|@PREFIX@|$$d|g" -e "s|@DOCDIR@|$$d|g" systemd/$$u > $$d/$$u; done && \
	out=$$(cd $$d && systemd-analyze verify --man=no $(UNITS) 2>&1) && test -z "$$out" || { echo "$$out" >&2; exit 1; }; \
	cd $$d && systemd-analyze security --offline=yes --threshold=5 laureld.service | tail -1

clean:
	$(SWIFT) package clean
