using System.CommandLine;

namespace CertBroker.Server.Cli;

/// <summary>Administrative commands of the same executable: <c>certbroker decode FILE</c>, <c>certbroker requests ...</c>, <c>certbroker tokens ...</c>, <c>certbroker audit export</c>, <c>certbroker db copy</c>.</summary>
internal static class Commands
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("CertBroker administrative commands. Run without a command to start the service.");
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(RequestsCommand.Create());
        root.Subcommands.Add(TokensCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        InventoryCommands inventory = InventoryCommands.ForConsole();
        root.Subcommands.Add(inventory.Devices());
        root.Subcommands.Add(inventory.Certificates());
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CommandFailedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot reach the broker: {ex.Message}");
            return 1;
        }
    }
}
