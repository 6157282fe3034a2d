/// What happens to a request preempted for lack of KV-cache blocks.
public enum PreemptionMode: String, Sendable, CaseIterable { case recompute, swap }
