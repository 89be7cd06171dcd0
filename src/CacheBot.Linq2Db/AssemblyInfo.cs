[assembly: System.Runtime.CompilerServices.SkipLocalsInit]
