import Tensors
print("rlr 0.1.0")
