import Commands

extension Invocation {
    /// The bound value of a `.choice` argument or option as an enum case (its raw value is the word).
    ///
    /// The binder already checked the word; this still throws instead of trapping when a caller builds an
    /// `Invocation` by hand. (A candidate for the Commands module itself.)
    public func choice<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
        let word = try string(name)
        guard let value = T(rawValue: word) else {
            throw CommandError.badArgument(name: name, reason: "'\(word)' is not one of the accepted words")
        }
        return value
    }
}
