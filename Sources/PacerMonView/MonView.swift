// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
public import PacerWire

/// What `pacer status` shows beyond the default sections (crm_mon's options).
public struct MonOptions: Sendable, Equatable {
    /// `-r`: list stopped resources too ("Full List of Resources").
    public var inactive: Bool
    /// `-f`: the Migration Summary (fail counts per node).
    public var failcounts: Bool
    /// `-A`: the Node Attributes section.
    public var nodeAttributes: Bool
    /// `-o`: the Operations section (replaces the Migration Summary).
    public var operations: Bool
    /// `-n`: resources listed under the node they run on.
    public var groupByNode: Bool

    public init(inactive: Bool = false, failcounts: Bool = false, nodeAttributes: Bool = false,
                operations: Bool = false, groupByNode: Bool = false) {
        self.inactive = inactive
        self.failcounts = failcounts
        self.nodeAttributes = nodeAttributes
        self.operations = operations
        self.groupByNode = groupByNode
    }
}

/// crm_mon 2.1.5's output for a CIB: text (`crm_mon -1`), XML (`--output-as=xml`,
/// valid against Pacemaker's `api-result.rng`) and Pacer's own JSON mirroring the XML.
///
/// A pure function of its arguments: no I/O, no clock reads (the time is `now`), and the
/// output order never depends on hashing. Node and resource state come from
/// ``PacerScheduler/Scheduler/status(_:)``, so `pacer status` and `pacer simulate` agree.
public enum MonView {
    /// The text crm_mon prints.
    /// - Parameters:
    ///   - cib: the `<cib>` element, configuration and status.
    ///   - now: seconds since the epoch, for "Last updated" and failure timeouts.
    ///   - options: the optional sections.
    ///   - extras: what the local daemon adds (links, timings); adds a "Pacer:" section.
    ///   - clock: how epochs are turned into local time.
    /// - Returns: the whole text, ending with a newline.
    public static func text(cib: XMLElement, now: Int, options: MonOptions = MonOptions(),
                            extras: DaemonStatus? = nil, clock: MonClock = .utc) -> String {
        var writer = TextWriter(state: MonState(cib: cib, now: now), options: options, clock: clock)
        return writer.render(extras: extras)
    }

    /// `crm_mon --output-as=xml`: a `<pacemaker-result>` document with every section.
    /// - Parameter request: the command line, for the `request` attribute.
    public static func xml(cib: XMLElement, now: Int, request: String, clock: MonClock = .utc) -> String {
        let doc = XMLDocumentBuilder(state: MonState(cib: cib, now: now), clock: clock).document(request: request)
        return doc.serialized()
    }

    /// The XML document's content as JSON, plus a `pacer` object when `extras` are given.
    public static func json(cib: XMLElement, now: Int, request: String, extras: DaemonStatus? = nil,
                            clock: MonClock = .utc) -> String {
        let state = MonState(cib: cib, now: now)
        let doc = XMLDocumentBuilder(state: state, clock: clock).document(request: request)
        return JSONValue.document(doc, pacer: extras.map { PacerSection(state: state, extras: $0) })
    }
}
