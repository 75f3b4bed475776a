"""A class at a time: the gradebook, batch grading (local or Dask), the class report and exports."""
