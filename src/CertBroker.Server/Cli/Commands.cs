using System.CommandLine;

namespace CertBroker.Server.Cli;

/// <summary>Administrative commands of the same executable: <c>certbroker decode FILE</c>, and later more.</summary>
internal static class Commands
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("CertBroker administrative commands. Run without a command to start the service.");
        root.Subcommands.Add(DecodeCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
