using System.Globalization;
using CertBroker.InventoryBench;

// certbroker-inventory-bench fill --database FILE [--count N] [--seed S]
// certbroker-inventory-bench measure --database FILE --url URL --token SECRET --admin-password P --pid PID [--samples N] [--metrics-only 1]
// A measurement tool for scripts/benchmark-inventory.sh, not a test.
if (args.Length == 0 || args[0] is not ("fill" or "measure"))
{
    Console.Error.WriteLine("usage: certbroker-inventory-bench fill|measure --database FILE ...");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Required(string name) => options.TryGetValue(name, out string? value) ? value : throw new ArgumentException($"--{name} is required.");
int Number(string name, int fallback) => options.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

if (args[0] == "fill")
{
    await InventoryFiller.FillAsync(Required("database"), Number("count", 1_000_000), Number("seed", 5), Console.Out);
    return 0;
}

var probe = new InventoryProbe(new Uri(Required("url")), Required("token"), Required("admin-password"), int.Parse(Required("pid"), CultureInfo.InvariantCulture), Console.Out);
await probe.RunAsync(Required("database"), Number("samples", 500), Number("metrics-only", 0) == 1);
return 0;
