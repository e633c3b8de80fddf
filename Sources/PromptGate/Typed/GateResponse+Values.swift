import HTTPTypes

extension GateResponse {
    /// Every value of a header (names compared without case).
    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.canonicalName == name }.map(\.value)
    }
}
