/// Just enough of JSON to walk a path to a scalar in a health response.
indirect enum JSONDocument: Decodable {
    case object([String: JSONDocument])
    case array([JSONDocument])
    case scalar(JSONScalar)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .scalar(.null)
        } else if let flag = try? container.decode(Bool.self) {
            self = .scalar(.bool(flag))
        } else if let number = try? container.decode(Double.self) {
            self = .scalar(.number(number))
        } else if let text = try? container.decode(String.self) {
            self = .scalar(.string(text))
        } else if let fields = try? container.decode([String: JSONDocument].self) {
            self = .object(fields)
        } else {
            self = .array(try container.decode([JSONDocument].self))
        }
    }
}
