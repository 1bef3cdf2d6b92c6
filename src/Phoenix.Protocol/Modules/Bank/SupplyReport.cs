using System.Buffers.Binary;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Modules.Bank;

/// <summary>One denomination's supply broken down by holder kind.</summary>
/// <param name="Denom">The denomination.</param>
/// <param name="Supply">The recorded supply.</param>
/// <param name="AccountBalances">Sum over ordinary accounts.</param>
/// <param name="ModuleBalances">Per module account (escrows, stakes, pools), by name.</param>
public sealed record DenomSupply(Denom Denom, UInt128 Supply, UInt128 AccountBalances, IReadOnlyDictionary<string, UInt128> ModuleBalances)
{
    /// <summary>Sum over module accounts.</summary>
    public UInt128 ModuleTotal => ModuleBalances.Values.Aggregate(UInt128.Zero, (a, b) => checked(a + b));

    /// <summary>Whether supply equals balances + escrows + stakes + pools.</summary>
    public bool Balanced => Supply == checked(AccountBalances + ModuleTotal);
}

/// <summary>
/// The DESIGN §4 supply invariant: per denomination, supply equals the sum of account balances and
/// of module accounts (escrows, stakes, pools). Callable by tests after every block and by other
/// modules' tests.
/// </summary>
public static class SupplyReport
{
    /// <summary>Computes the breakdown for every denomination.</summary>
    /// <param name="state">State to read (for example <c>PhoenixApplication.CommittedState</c>).</param>
    /// <returns>One entry per denomination.</returns>
    public static IReadOnlyList<DenomSupply> Compute(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var names = new Dictionary<Address, string>();
        foreach (var (key, value) in state.Scan("bank/m"u8))
        {
            names[new Address(key.AsSpan(6, Address.Length))] = System.Text.Encoding.UTF8.GetString(value);
        }

        var accounts = Denom.All.ToDictionary(d => d, _ => UInt128.Zero);
        var modules = Denom.All.ToDictionary(d => d, _ => new SortedDictionary<string, UInt128>(StringComparer.Ordinal));
        foreach (var (key, value) in state.Scan("bank/b"u8))
        {
            if (key.Length != 6 + Address.Length + 1 || !Denom.TryFromCode(key[^1], out var denom))
            {
                continue;
            }

            var address = new Address(key.AsSpan(6, Address.Length));
            var amount = BinaryPrimitives.ReadUInt128BigEndian(value);
            if (names.TryGetValue(address, out var name))
            {
                modules[denom][name] = checked(modules[denom].GetValueOrDefault(name) + amount);
            }
            else
            {
                accounts[denom] = checked(accounts[denom] + amount);
            }
        }

        return [.. Denom.All.Select(d => new DenomSupply(d, BankModule.GetSupply(state, d), accounts[d], modules[d]))];
    }

    /// <summary>The violations of the supply invariant (empty when it holds).</summary>
    /// <param name="state">State to read.</param>
    /// <returns>Human-readable violations.</returns>
    public static IReadOnlyList<string> Check(IStateReader state)
        => [.. Compute(state).Where(s => !s.Balanced).Select(s => $"{s.Denom}: supply {s.Supply} != accounts {s.AccountBalances} + module accounts {s.ModuleTotal}")];
}
