namespace CertBroker.Core.Tests.Architecture.Fixture.Lower;

/// <summary>
/// Half of a deliberate cycle for the graph reader's own test: the only use of <c>Upper</c> here is a static field
/// read inside a lambda, so it exists only in the IL of a compiler-generated closure's method body.
/// </summary>
internal static class LowerCounter
{
    public static Func<int> Next() => () => Upper.UpperSeed.Value + 1;
}
