namespace CertBroker.Core.Tests.Architecture.Fixture.Upper;

/// <summary>The other half of the deliberate cycle: <c>Upper</c> uses <c>Lower</c> in a signature.</summary>
internal static class UpperSeed
{
    public static readonly int Value = 41;

    public static Func<int> Counter() => Lower.LowerCounter.Next();
}
