"""Local cloud for trying and testing the collection: AWS (moto), Azure and GCP emulators."""
