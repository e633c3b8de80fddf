module promptgate.local/tilesinterop

go 1.19

require golang.org/x/mod v0.7.0

// Offline build: Debian's golang-golang-x-mod-dev source tree; no network, no go.sum.
replace golang.org/x/mod => /usr/share/gocode/src/golang.org/x/mod
