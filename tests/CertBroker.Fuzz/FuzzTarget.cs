namespace CertBroker.Fuzz;

/// <summary>One entry point under fuzzing.</summary>
/// <param name="Name">The command-line argument and the corpus folder (<c>corpus/NAME</c>).</param>
/// <param name="Description">What the target drives, for the usage text.</param>
/// <param name="Run">Runs one input: returns when the input parsed or was refused with a documented exception, and
/// lets anything else escape, which the fuzzer records as a crash.</param>
public sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run);
