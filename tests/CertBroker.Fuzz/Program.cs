using CertBroker.Fuzz;
using SharpFuzz;

// certbroker-fuzz TARGET              run under afl-fuzz (SharpFuzz's out-of-process fork server)
// certbroker-fuzz TARGET FILE|DIR...  replay inputs once each, e.g. afl's crashes, and say which fail
if (args.Length == 0 || FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine("usage: certbroker-fuzz TARGET [FILE|DIR...]");
    foreach (FuzzTarget t in FuzzTargets.All)
    {
        Console.Error.WriteLine($"  {t.Name,-8} {t.Description}");
    }

    return 2;
}

if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray());
    });
    return 0;
}

int failures = 0;
foreach (string path in args.Skip(1).SelectMany<string, string>(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : [p]))
{
    try
    {
        target.Run(File.ReadAllBytes(path));
    }
    catch (Exception ex)
    {
        failures++;
        Console.WriteLine($"CRASH {path}: {ex.GetType().FullName}: {ex.Message}");
        Console.WriteLine(ex.StackTrace);
    }
}

Console.WriteLine($"{failures} of the inputs crashed");
return failures == 0 ? 0 : 1;
