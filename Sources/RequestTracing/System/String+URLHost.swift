extension String {
    /// This host as it is written in a URL or beside a port: an IPv6 address in brackets
    /// (`[::1]`), anything else (a name, an IPv4 address, an already bracketed address) as it is.
    package var bracketedIfIPv6: String {
        contains(":") && !hasPrefix("[") ? "[\(self)]" : self
    }
}
