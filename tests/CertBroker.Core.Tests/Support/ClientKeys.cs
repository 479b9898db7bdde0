using System.Security.Cryptography;

namespace CertBroker.Core.Tests.Support;

/// <summary>
/// Device keys shared by all tests, one per slot: generating RSA keys is slow and not what these tests are about.
/// Tests that need two different keys take two slots.
/// </summary>
internal static class ClientKeys
{
    private static readonly Dictionary<int, RSA> Keys = [];

    public static RSA Get(int slot)
    {
        lock (Keys)
        {
            if (!Keys.TryGetValue(slot, out RSA? key))
            {
                key = RSA.Create(2048);
                Keys[slot] = key;
            }

            return key;
        }
    }
}
