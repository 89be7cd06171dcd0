using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Model;

public class Animal
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

public sealed class Dog : Animal
{
    public string Breed { get; set; } = "";
}

public sealed class Cat : Animal
{
    public int Lives { get; set; }
}

public class Vehicle
{
    public int Id { get; set; }

    public string Maker { get; set; } = "";
}

public sealed class Car : Vehicle
{
    public int Doors { get; set; }
}

public sealed class Bike : Vehicle
{
    public bool Electric { get; set; }
}

public abstract class Figure
{
    public int Id { get; set; }

    public string Colour { get; set; } = "";
}

public sealed class Circle : Figure
{
    public double Radius { get; set; }
}

public sealed class Square : Figure
{
    public double Side { get; set; }
}

public sealed class Address
{
    public string City { get; set; } = "";
}

public sealed class Line
{
    public int Id { get; set; }

    public int Quantity { get; set; }
}

public sealed class Prefs
{
    public string Theme { get; set; } = "";
}

public sealed class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public Address Billing { get; set; } = new();

    public List<Line> Lines { get; set; } = [];

    public Prefs Prefs { get; set; } = new();

    public List<Note> Notes { get; set; } = [];
}

public sealed class Note
{
    public int Id { get; set; }

    public string Text { get; set; } = "";
}

public sealed class Post
{
    public int Id { get; set; }

    public string Title { get; set; } = "";

    public PostBody? Body { get; set; }
}

public sealed class PostBody
{
    public int Id { get; set; }

    public string Content { get; set; } = "";
}

public sealed class Person
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

public sealed class NoteCount
{
    public int CustomerId { get; set; }

    public int N { get; set; }
}

public sealed class Tenanted
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public bool IsDeleted { get; set; }
}

public sealed class SoftDeleted
{
    public int Id { get; set; }

    public int Group { get; set; }

    public bool IsDeleted { get; set; }
}

public sealed class Courier
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public int DepotId { get; set; }

    public Depot Depot { get; set; } = null!;
}

public sealed class Spot
{
    public string City { get; set; } = "";

    public int Zip { get; set; }
}

public sealed class Venue
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public Spot Spot { get; set; } = new();
}

public sealed class Depot
{
    public int Id { get; set; }

    public string City { get; set; } = "";

    /// <summary>A many-to-many navigation, auto-included: every query on a depot (or a parcel) reads its join table.</summary>
    public List<Zone> Zones { get; set; } = [];
}

public sealed class Zone
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public List<Depot> Depots { get; set; } = [];
}

public sealed class Parcel
{
    public int Id { get; set; }

    public string Label { get; set; } = "";

    public int CourierId { get; set; }

    public Courier Courier { get; set; } = null!;
}

/// <summary>Every model shape the adapter maps: TPH, TPT, TPC, owned (one, many, JSON), table splitting, shadow keys,
/// a case-insensitive collation, a view and query filters (one reads the context).</summary>
public sealed class ShapesContext(DbContextOptions options, bool postgres) : DbContext(options)
{
    public int TenantId { get; set; } = 1;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Animal>();
        modelBuilder.Entity<Dog>();
        modelBuilder.Entity<Cat>();
        modelBuilder.Entity<Vehicle>().UseTptMappingStrategy();
        modelBuilder.Entity<Car>().ToTable("Cars");
        modelBuilder.Entity<Bike>().ToTable("Bikes");
        modelBuilder.Entity<Figure>().UseTpcMappingStrategy().Property(f => f.Id).ValueGeneratedNever();
        modelBuilder.Entity<Circle>().ToTable("Circles");
        modelBuilder.Entity<Square>().ToTable("Squares");
        modelBuilder.Entity<Customer>(c =>
        {
            c.OwnsOne(x => x.Billing);
            c.OwnsMany(x => x.Lines, l => l.Property(x => x.Id).ValueGeneratedNever());
            c.OwnsOne(x => x.Prefs, p => p.ToJson());
            c.HasMany(x => x.Notes).WithOne().HasForeignKey("CustomerId");
        });
        modelBuilder.Entity<Post>(p =>
        {
            p.ToTable("Posts");
            p.HasOne(x => x.Body).WithOne().HasForeignKey<PostBody>(x => x.Id);
        });
        modelBuilder.Entity<PostBody>().ToTable("Posts");
        if (postgres)
        {
            modelBuilder.HasCollation("ci", locale: "und-u-ks-level2", provider: "icu", deterministic: false);
            modelBuilder.Entity<Person>().Property(p => p.Name).UseCollation("ci");
        }
        else
        {
            modelBuilder.Entity<Person>().Property(p => p.Name).UseCollation("NOCASE");
        }

        modelBuilder.Entity<NoteCount>().HasNoKey().ToView("NoteCounts");
        modelBuilder.Entity<Tenanted>().HasQueryFilter(t => t.TenantId == TenantId);
        modelBuilder.Entity<SoftDeleted>().HasQueryFilter(s => !s.IsDeleted);
        modelBuilder.Entity<Parcel>().Navigation(p => p.Courier).AutoInclude();
        modelBuilder.Entity<Venue>().ComplexProperty(v => v.Spot);
        modelBuilder.Entity<Courier>().Navigation(c => c.Depot).AutoInclude();
        modelBuilder.Entity<Depot>().HasMany(d => d.Zones).WithMany(z => z.Depots);
        modelBuilder.Entity<Depot>().Navigation(d => d.Zones).AutoInclude();
    }
}
