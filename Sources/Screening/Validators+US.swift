extension Validators {
    /// The group numbers (4th and 5th digits) the IRS issues ITINs in: 50–65, 70–88, 90–92 and 94–99. 93 is the
    /// ATIN (adoption) group; the rest look like ITINs but are not (IRSNs use 01–10, 17–19, 28–29, 37–39).
    /// Source: IRS, Internal Revenue Manual 3.21.263 (ITIN Real-Time System): "ITINs are nine digits long and begin
    /// with the number 9. The fourth and fifth digits will be within the range 50-65, 70-88, 90-92, or 94-99";
    /// the same ranges as Presidio's `UsItinRecognizer`.
    static func isITINGroup(_ group: Int) -> Bool {
        (50...65).contains(group) || (70...88).contains(group) || (90...92).contains(group) || (94...99).contains(group)
    }

    /// US ITIN `9AA-GG-SSSS`: nine digits, the first a 9, the group in the IRS's ranges (``isITINGroup(_:)``).
    static let usITIN: Check = { text in
        let d = digits(of: text)
        return d.count == 9 && d[0] == 9 && isITINGroup(number(d[3..<5]))
    }
}
