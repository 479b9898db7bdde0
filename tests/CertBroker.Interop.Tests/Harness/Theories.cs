namespace CertBroker.Interop.Tests.Harness;

/// <summary>Theory rows built from a server kind's paths.</summary>
public static class Theories
{
    public static TheoryData<string> Of(IEnumerable<string> values)
    {
        var data = new TheoryData<string>();
        foreach (var value in values)
        {
            data.Add(value);
        }

        return data;
    }

    public static TheoryData<string, TSecond> Cross<TSecond>(IEnumerable<string> first, IEnumerable<TSecond> second)
    {
        var data = new TheoryData<string, TSecond>();
        foreach (var a in first)
        {
            foreach (var b in second)
            {
                data.Add(a, b);
            }
        }

        return data;
    }
}
