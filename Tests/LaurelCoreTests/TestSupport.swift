import LaurelCore

/// Parse `text` as a file called `name`; the nominations, or the refusal.
func parse(_ text: String, as name: String = "n.nom", limits: NominationLimits = .default) -> Result<
    [Nomination], Refusal
> {
    parse(bytes: Array(text.utf8), as: name, limits: limits)
}

func parse(bytes: [UInt8], as name: String = "n.nom", limits: NominationLimits = .default) -> Result<
    [Nomination], Refusal
> {
    do throws(Refusal) {
        return .success(try NominationParser.parse(bytes, fileName: name, limits: limits))
    } catch {
        return .failure(error)
    }
}

extension Result where Success == [Nomination], Failure == Refusal {
    var refusal: Refusal? {
        if case .failure(let refusal) = self { return refusal }
        return nil
    }
    var nominations: [Nomination] {
        if case .success(let list) = self { return list }
        return []
    }
}

/// A minimal valid header file.
let minimalHeader = "Award: Best Team\nNominee: Team A\n\nThey did it.\n"
