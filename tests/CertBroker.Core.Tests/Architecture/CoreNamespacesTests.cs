using System.Text;
using CertBroker.Core.Model;

namespace CertBroker.Core.Tests.Architecture;

/// <summary>
/// Core's sub-namespaces are layers (see docs/architecture.md): each may use the ones below it, never one above.
/// A cycle between them means two layers can only be understood, tested and changed together.
/// </summary>
public sealed class CoreNamespacesTests
{
    [Fact]
    public void CoreNamespaces_HaveNoCycles()
    {
        NamespaceGraph graph = NamespaceGraph.Read(typeof(CertificateRecord).Assembly.Location, "CertBroker.Core");

        IReadOnlyList<IReadOnlyList<string>> cycles = graph.FindCycles();

        Assert.True(cycles.Count == 0, Describe(graph, cycles));
    }

    private static string Describe(NamespaceGraph graph, IReadOnlyList<IReadOnlyList<string>> cycles)
    {
        var message = new StringBuilder("CertBroker.Core's namespaces depend on each other in a cycle:");
        foreach (IReadOnlyList<string> cycle in cycles)
        {
            message.AppendLine().Append("  ").AppendJoin(" -> ", cycle);
            for (int i = 0; i + 1 < cycle.Count; i++)
            {
                IReadOnlyList<NamespaceReference> references = graph.References(cycle[i], cycle[i + 1]);
                message.AppendLine().Append("    ").Append(cycle[i]).Append(" -> ").Append(cycle[i + 1]).Append(':');
                foreach (NamespaceReference reference in references.Take(5))
                {
                    message.AppendLine().Append("      ").Append(reference);
                }

                if (references.Count > 5)
                {
                    message.AppendLine().Append("      and ").Append(references.Count - 5).Append(" more");
                }
            }
        }

        return message.ToString();
    }
}
