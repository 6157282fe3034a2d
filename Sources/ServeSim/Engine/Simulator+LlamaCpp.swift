extension Simulator {
  /// A llama.cpp server slot's context in tokens (nil: not a llama.cpp plan).
  var llamaCppSlotContext: Int? {
    plan.llamacpp?.slotContext(trainContext: plan.model.maxContext)
  }

  /// Whether request `id` fits a slot of `slotContext` tokens, shortening its
  /// output where the server stops it at the slot's context
  /// (`LlamaCppOptions.admittedOutput`); false: the server refuses it.
  mutating func fitLlamaCppSlot(_ id: Int, slotContext: Int) -> Bool {
    guard
      let output = LlamaCppOptions.admittedOutput(
        prompt: Int(requests[id].inputTokens), output: Int(requests[id].outputTokens),
        slotContext: slotContext)
    else { return false }
    requests[id].outputTokens = Int32(output)
    return true
  }
}
