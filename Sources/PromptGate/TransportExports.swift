// A program that embeds the gate sets a corporate proxy, CA bundle or timeouts through ``GateConfiguration/transport``
// with only `import PromptGate`. A typealias would name the type but, under MemberImportVisibility, not make its
// initializer and properties visible to such a program; re-exporting the struct itself does.
@_exported import struct Transport.TransportConfiguration
