// SPDX-License-Identifier: GPL-2.0-or-later
/// One heartbeat packet's content: who sends, which incarnation and packet, and what it sees.
///
/// The shell authenticates packets (HMAC) before `Heartbeat.decode(_:)` sees them;
/// this type only carries the fields. `(incarnation, sequence)` identifies a packet
/// on its link for `ReplayWindow`.
public struct Heartbeat: Sendable, Hashable, CustomStringConvertible {
    /// The sender's node name (1…255 UTF-8 bytes).
    public var sender: String
    /// The cluster name (1…255 UTF-8 bytes); packets of another cluster are rejected.
    public var cluster: String
    /// Chosen by the sender's shell at process start (e.g. boot-time nanoseconds);
    /// strictly greater after every restart.
    public var incarnation: UInt64
    /// Per incarnation and link, one more for every packet sent; starts at 1.
    public var sequence: UInt64
    /// The link the sender sent this packet on.
    public var link: LinkID
    /// The recipient's newest incarnation the sender has heard of, 0 before it heard any.
    ///
    /// The recipient accepts the packet only when this is its own current incarnation:
    /// proof that the sender heard from this very run, so a packet recorded before the
    /// recipient (re)started can never pass for a live peer.
    public var echoedIncarnation: UInt64
    /// Whether the sender currently counts the recipient as a member.
    public var seesRecipientAsMember: Bool
    /// Whether the sender currently has quorum.
    public var hasQuorum: Bool
    /// Whether the sender is shutting down gracefully.
    public var isLeaving: Bool
    /// Whether the sender has lately missed packets of ours: send at the full rate.
    public var reportsLoss: Bool

    public init(
        sender: String, cluster: String, incarnation: UInt64, sequence: UInt64, link: LinkID,
        echoedIncarnation: UInt64 = 0, seesRecipientAsMember: Bool = false, hasQuorum: Bool = false, isLeaving: Bool = false, reportsLoss: Bool = false
    ) {
        self.sender = sender
        self.cluster = cluster
        self.incarnation = incarnation
        self.sequence = sequence
        self.link = link
        self.echoedIncarnation = echoedIncarnation
        self.seesRecipientAsMember = seesRecipientAsMember
        self.hasQuorum = hasQuorum
        self.isLeaving = isLeaving
        self.reportsLoss = reportsLoss
    }

    public var description: String {
        var flags: [String] = []
        if seesRecipientAsMember { flags.append("sees-peer") }
        if hasQuorum { flags.append("quorate") }
        if isLeaving { flags.append("leaving") }
        if reportsLoss { flags.append("loss") }
        return "heartbeat from '\(sender)' in '\(cluster)' incarnation \(incarnation) seq \(sequence) on \(link) echoing \(echoedIncarnation)"
            + (flags.isEmpty ? "" : " [" + flags.joined(separator: ",") + "]")
    }

    /// Checks that `name` can travel in a heartbeat's name field.
    ///
    /// - Throws: `MembershipError.invalidName` when it is empty or longer than 255 UTF-8 bytes.
    static func validateName(_ name: String, field: String) throws(MembershipError) {
        if name.isEmpty { throw .invalidName(field: field, value: name, reason: "must not be empty") }
        if name.utf8.count > Heartbeat.maximumNameLength {
            throw .invalidName(field: field, value: name, reason: "is \(name.utf8.count) bytes long; at most \(Heartbeat.maximumNameLength) fit in a heartbeat")
        }
    }
}
