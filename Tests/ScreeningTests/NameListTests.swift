import Testing

@testable import Screening

/// A name list is indexed at its first use, once, whoever uses it first.
@Suite("Screening: name lists indexed at first use")
struct NameListTests {
    @Test("threads that use a new list at the same time all find what it holds")
    func firstUseConcurrently() async {
        let text = (0..<5_000).map { String(format5: $0) }.joined(separator: "\n")
        for _ in 0..<20 {
            let list = NameList(files: [text, "# a comment\nZoë\n"])
            let found = await withTaskGroup(of: Bool.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        list.contains(String(format5: task * 600)) && list.contains("ZOE") && !list.contains("N")
                            && list.count == 5_001
                    }
                }
                return await group.reduce(true) { $0 && $1 }
            }
            #expect(found)
        }
    }

    @Test("a list of entries is searched as given, without files")
    func entries() {
        let list = NameList(["José", "anna"])
        #expect(list.contains("JOSE") && list.contains("ANNA") && !list.contains("JOS"))
        #expect(list.count == 2)
        #expect(Set(list) == ["JOSE", "ANNA"])
    }
}

extension String {
    /// "N" and five digits: entries in ascending order.
    fileprivate init(format5 value: Int) {
        let digits = String(value)
        self = "N" + String(repeating: "0", count: 5 - digits.count) + digits
    }
}
