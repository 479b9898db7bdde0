namespace CertBroker.Core.Tests.Architecture;

public sealed class NamespaceGraphTests
{
    [Fact]
    public void FindCycles_UseOnlyInsideALambdaBody_ClosesTheCycle()
    {
        NamespaceGraph graph = NamespaceGraph.Read(
            typeof(NamespaceGraphTests).Assembly.Location, "CertBroker.Core.Tests.Architecture.Fixture");

        IReadOnlyList<IReadOnlyList<string>> cycles = graph.FindCycles();

        IReadOnlyList<string> cycle = Assert.Single(cycles);
        Assert.Equal(["Lower", "Upper", "Lower"], cycle);
        NamespaceReference reference = Assert.Single(graph.References("Lower", "Upper"));
        Assert.Equal("Upper.UpperSeed", reference.Target);
        Assert.StartsWith("Lower.LowerCounter+", reference.Site, StringComparison.Ordinal);
    }
}
