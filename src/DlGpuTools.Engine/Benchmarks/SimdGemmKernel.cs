using System;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;

namespace DlGpuTools.Benchmarks
{
    /// <summary>
    /// One call of the FP32 micro-kernel: C[0..Rows, 0..Columns] (column j at c + j * ldc) = (accumulate ? C : 0) + the
    /// product of the packed A panel (Rows x kc, element (r, p) at a + p * Rows + r) and the packed B panel (kc x Columns,
    /// element (p, j) at b + p * Columns + j). References rather than arrays and offsets: the kernel then loads without bounds checks.
    /// </summary>
    internal delegate void TileKernel(ref float a, ref float b, int kc, ref float c, int ldc, bool accumulate);

    /// <summary>
    /// The FP32 micro-kernel of the managed GEMM, built at run time because the module's netstandard2.0 build can
    /// name neither a vector type nor Reflection.Emit: on .NET 8+ (PowerShell 7) it finds System.Runtime.Intrinsics
    /// by reflection and compiles an expression tree that keeps a (2 vectors) x Columns tile of C in vector locals and
    /// updates them with fused multiply-adds, the widest the CPU has:
    /// AVX-512 (Vector512, Avx512F.FusedMultiplyAdd; 2 x 12 tiles in 24 of its 32 registers),
    /// else AVX2 with FMA (Vector256, Fma.MultiplyAdd; 2 x 6 tiles in 12 of 16),
    /// else Arm NEON (AdvSimd.FusedMultiplyAdd, as on Grace),
    /// else 128-bit vectors with multiply and add.
    /// Loads and stores go through references (LoadUnsafe, StoreUnsafe), so the loop has no bounds checks: with array
    /// indexing it had eight per step against twelve FMAs and ran at about half the speed. Compiled expression trees
    /// are dynamic methods: the JIT expands the intrinsics there as anywhere and compiles them fully optimised. Where
    /// none is available (Windows PowerShell 5.1's .NET Framework has no intrinsics), <see cref="Instance"/> is null
    /// and the scalar kernel runs.
    /// </summary>
    internal sealed class SimdGemmKernel
    {
        private SimdGemmKernel(TileKernel run, int lanes, int columns, string description)
        {
            Run = run;
            Lanes = lanes;
            Columns = columns;
            Description = description;
        }

        /// <summary>The kernel for this process, or null where no vector path exists.</summary>
        public static SimdGemmKernel? Instance { get; } = TryCreate();

        public TileKernel Run { get; }

        /// <summary>FP32 lanes per vector; the tile is 2 x Lanes rows.</summary>
        public int Lanes { get; }

        public int Rows => 2 * Lanes;

        /// <summary>
        /// Columns of the tile. 12 with AVX-512: a 32 x 6 tile loads 128 bytes of A for every 12 FMAs, more than the L2
        /// delivers to a Sapphire Rapids core (it ran at under 40% of a core's peak), and 32 x 12 halves that per FMA,
        /// as BLIS's sgemm kernel for AVX-512 does. 6 where there are 16 vector registers.
        /// </summary>
        public int Columns { get; }

        /// <summary>What was built, for results: "AVX-512 FMA (Vector512), 32x12 register tiles".</summary>
        public string Description { get; }

        private static SimdGemmKernel? TryCreate()
        {
            try
            {
                Assembly core = typeof(object).Assembly;
                Type? avx512 = core.GetType("System.Runtime.Intrinsics.X86.Avx512F");
                Type? fma = core.GetType("System.Runtime.Intrinsics.X86.Fma");
                // The VectorN helpers (LoadUnsafe, broadcast, StoreUnsafe) are expanded by the JIT only where
                // VectorN.IsHardwareAccelerated; elsewhere they are element-by-element software, which runs an
                // AVX-512 kernel at 6% of an H100 host's peak (.NET does not accelerate Vector512 on every
                // AVX-512 CPU). So a width is used only where both its FMA and its helpers are in hardware.
                if (IsSupported(avx512) && VectorOps.Find(core, "Vector512", avx512!, "FusedMultiplyAdd") is VectorOps v512)
                    return Build(v512, 16, 12, "AVX-512 FMA (Vector512)");
                if (IsSupported(fma) && VectorOps.Find(core, "Vector256", fma!, "MultiplyAdd") is VectorOps v256)
                    return Build(v256, 8, 6, "AVX2 FMA (Vector256)");
                // Arm's FusedMultiplyAdd takes the addend first: (addend, left, right).
                Type? neon = core.GetType("System.Runtime.Intrinsics.Arm.AdvSimd");
                if (IsSupported(neon) && VectorOps.Find(core, "Vector128", neon!, "FusedMultiplyAdd", addendFirst: true) is VectorOps vNeon)
                    return Build(vNeon, 4, 6, "Arm NEON FMA (Vector128)");
                if (VectorOps.Find(core, "Vector128", null, null) is VectorOps v128)
                    return Build(v128, 4, 6, "128-bit vectors, multiply and add (no FMA)");
            }
            catch (Exception e) when (e is TypeLoadException || e is ArgumentException || e is InvalidOperationException
                || e is NotSupportedException || e is MemberAccessException || e is TargetInvocationException
                || e is InvalidProgramException)
            {
                // A runtime without these types, or one that refuses the compiled tree: the scalar kernel runs instead.
            }

            return null;
        }

        private static bool IsSupported(Type? isa) => isa?.GetProperty("IsSupported")?.GetValue(null) is true;

        /// <summary>The methods one vector width needs, found by reflection on the running runtime.</summary>
        private sealed class VectorOps
        {
            public Type Vector = typeof(void);
            public MethodInfo Load = null!, Store = null!, LoadScalarVector = null!, ToScalar = null!, Broadcast = null!;
            public MethodInfo? MultiplyAdd, Multiply, Add;
            public bool AddendFirst;

            /// <summary>
            /// VectorN&lt;float&gt;'s LoadUnsafe(ref, nuint), StoreUnsafe(vector, ref, nuint) and Create(float), the ISA's
            /// multiply-add (or the vector's * and +), and Vector128's LoadUnsafe and ToScalar (a broadcast of a scalar read
            /// through Vector128.LoadUnsafe(...).ToScalar() compiles to one vbroadcastss from memory); null when a piece is
            /// missing or the width is not accelerated.
            /// </summary>
            public static VectorOps? Find(Assembly core, string name, Type? isa, string? multiplyAddName, bool addendFirst = false)
            {
                Type? helpers = core.GetType("System.Runtime.Intrinsics." + name);
                Type? open = core.GetType("System.Runtime.Intrinsics." + name + "`1");
                Type? helpers128 = core.GetType("System.Runtime.Intrinsics.Vector128");
                if (helpers == null || open == null || helpers128 == null) return null;
                if (helpers.GetProperty("IsHardwareAccelerated")?.GetValue(null) is not true) return null;
                Type vector = open.MakeGenericType(typeof(float));
                var ops = new VectorOps
                {
                    Vector = vector,
                    Load = GenericFloat(helpers, "LoadUnsafe", p => p.Length == 2 && p[0].ParameterType.IsByRef)!,
                    Store = GenericFloat(helpers, "StoreUnsafe", p => p.Length == 3 && p[1].ParameterType.IsByRef)!,
                    LoadScalarVector = GenericFloat(helpers128, "LoadUnsafe", p => p.Length == 2 && p[0].ParameterType.IsByRef)!,
                    ToScalar = GenericFloat(helpers128, "ToScalar", p => p.Length == 1)!,
                    Broadcast = helpers.GetMethod("Create", new[] { typeof(float) })!,
                    MultiplyAdd = isa != null && multiplyAddName != null
                        ? isa.GetMethod(multiplyAddName, new[] { vector, vector, vector }) : null,
                    Multiply = vector.GetMethod("op_Multiply", new[] { vector, vector }),
                    Add = vector.GetMethod("op_Addition", new[] { vector, vector }),
                    AddendFirst = addendFirst,
                };
                bool complete = ops.Load != null && ops.Store != null && ops.LoadScalarVector != null && ops.ToScalar != null
                    && ops.Broadcast != null && ops.Add != null
                    && (ops.MultiplyAdd != null || (isa == null && ops.Multiply != null));
                return complete ? ops : null;
            }

            private static MethodInfo? GenericFloat(Type helpers, string name, Func<ParameterInfo[], bool> shape) =>
                helpers.GetMethods(BindingFlags.Public | BindingFlags.Static)
                    .FirstOrDefault(m =>
                        m.Name == name && m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1 && shape(m.GetParameters()))
                    ?.MakeGenericMethod(typeof(float));
        }

        private static SimdGemmKernel Build(VectorOps ops, int lanes, int columns, string description)
        {
            Type vector = ops.Vector;
            Type floatRef = typeof(float).MakeByRefType();
            ParameterExpression a = Expression.Parameter(floatRef, "a"), b = Expression.Parameter(floatRef, "b"),
                c = Expression.Parameter(floatRef, "c");
            ParameterExpression kc = Expression.Parameter(typeof(int), "kc"), ldc = Expression.Parameter(typeof(int), "ldc"),
                accumulate = Expression.Parameter(typeof(bool), "accumulate");
            var acc = new ParameterExpression[2, columns];
            var variables = new System.Collections.Generic.List<ParameterExpression>();
            for (int j = 0; j < columns; j++)
            {
                for (int h = 0; h < 2; h++)
                {
                    acc[h, j] = Expression.Variable(vector, $"c{h}_{j}");
                    variables.Add(acc[h, j]);
                }
            }

            ParameterExpression a0 = Expression.Variable(vector, "a0"), a1 = Expression.Variable(vector, "a1"),
                bv = Expression.Variable(vector, "b");
            // 64-bit element offsets: a constant added to one folds into the load's displacement.
            ParameterExpression p = Expression.Variable(typeof(int), "p"), aOffset = Expression.Variable(typeof(long), "aOffset"),
                bOffset = Expression.Variable(typeof(long), "bOffset");
            variables.AddRange(new[] { a0, a1, bv, p, aOffset, bOffset });
            ConstructorInfo toNuint = typeof(UIntPtr).GetConstructor(new[] { typeof(ulong) })!;
            Expression Offset(Expression offset, long plus) =>
                Expression.New(toNuint,
                    Expression.Convert(plus == 0 ? offset : Expression.Add(offset, Expression.Constant(plus)), typeof(ulong)));
            Expression Load(Expression source, Expression offset, long plus) => Expression.Call(ops.Load, source, Offset(offset, plus));
            Expression Broadcast(Expression source, Expression offset, long plus) =>
                Expression.Call(ops.Broadcast,
                    Expression.Call(ops.ToScalar, Expression.Call(ops.LoadScalarVector, source, Offset(offset, plus))));
            Expression MultiplyAdd(Expression x, Expression y, Expression z) =>
                ops.MultiplyAdd == null ? Expression.Call(ops.Add!, Expression.Call(ops.Multiply!, x, y), z)
                : ops.AddendFirst ? Expression.Call(ops.MultiplyAdd, z, x, y)
                : Expression.Call(ops.MultiplyAdd, x, y, z);

            var body = new System.Collections.Generic.List<Expression>();
            foreach (ParameterExpression accumulator in acc) body.Add(Expression.Assign(accumulator, Expression.Default(vector)));
            body.Add(Expression.Assign(p, Expression.Constant(0)));
            body.Add(Expression.Assign(aOffset, Expression.Constant(0L)));
            body.Add(Expression.Assign(bOffset, Expression.Constant(0L)));
            LabelTarget done = Expression.Label("done");
            var step = new System.Collections.Generic.List<Expression>
            {
                Expression.IfThen(Expression.GreaterThanOrEqual(p, kc), Expression.Break(done)),
                Expression.Assign(a0, Load(a, aOffset, 0)),
                Expression.Assign(a1, Load(a, aOffset, lanes)),
            };
            for (int j = 0; j < columns; j++)
            {
                step.Add(Expression.Assign(bv, Broadcast(b, bOffset, j)));
                step.Add(Expression.Assign(acc[0, j], MultiplyAdd(a0, bv, acc[0, j])));
                step.Add(Expression.Assign(acc[1, j], MultiplyAdd(a1, bv, acc[1, j])));
            }

            step.Add(Expression.AddAssign(aOffset, Expression.Constant(2L * lanes)));
            step.Add(Expression.AddAssign(bOffset, Expression.Constant((long)columns)));
            step.Add(Expression.PreIncrementAssign(p));
            body.Add(Expression.Loop(Expression.Block(step), done));

            // The tile goes straight into C (added to it after the first K slice), column by column.
            ParameterExpression column = Expression.Variable(typeof(long), "column");
            variables.Add(column);
            for (int j = 0; j < columns; j++)
            {
                body.Add(Expression.Assign(column,
                    Expression.Multiply(Expression.Convert(ldc, typeof(long)), Expression.Constant((long)j))));
                for (int h = 0; h < 2; h++)
                {
                    long within = (long)h * lanes;
                    body.Add(Expression.IfThen(accumulate,
                        Expression.Assign(acc[h, j], Expression.Call(ops.Add!, acc[h, j], Load(c, column, within)))));
                    body.Add(Expression.Call(ops.Store, acc[h, j], c, Offset(column, within)));
                }
            }

            var lambda = Expression.Lambda<TileKernel>(Expression.Block(variables, body), a, b, kc, c, ldc, accumulate);
            return new SimdGemmKernel(lambda.Compile(), lanes, columns, $"{description}, {2 * lanes}x{columns} register tiles");
        }
    }
}
